-- Procedure fields with their number of procedures, for the field filter.
select field, count(*) as procedures
from procedures
where field is not null
group by field
order by count(*) desc, field
