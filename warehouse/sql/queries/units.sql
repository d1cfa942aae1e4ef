-- Units for names and pickers: every unit with the unit it rolls up to today.
select u.unit_code, u.name_vi, coalesce(u.name_en, u.name_vi) as name_en, u.kind, u.parent_code,
       u.valid_to, r.current_code, u.valid_to is null and u.successor_code is null as is_current,
       u.contact_email
from units as u
join unit_rollup as r using (unit_code)
order by u.kind, u.name_vi
