-- Procedures for names on screens: code, names, field.
select procedure_code, name_vi, coalesce(name_en, name_vi) as name_en, field
from procedures
order by procedure_code
