-- Overdue open dossiers at the end of $as_of, oldest due first, with the working days
-- since their effective due (0 for a dossier overdue only by its supplement requests).
-- A dossier waiting for the citizen (dossier_deadline.waiting_since) is judged when it was
-- sent back: listed only when that was after its effective due (or it has more than one
-- supplement request), flagged `waiting` once sent back by $as_of, its days overdue
-- counted up to the day it was sent back, when its clock stopped.
-- Raw facts, always filtered by scope; _page.sql bounds them to one page of the grid.
with unit_codes as (
    -- the unit asked for and the units that roll up to it, resolved before the facts are read
    select r.unit_code, r.current_code
    from unit_rollup as r
    join units as cu on cu.unit_code = r.current_code
    where ($unit is null or r.current_code = $unit or r.unit_code = $unit)
        and ($kind is null or cu.kind = $kind)
        and ($all_units or list_contains($scope, r.unit_code))
),

candidate as (
    select d.*, u.current_code
    from dossiers as d
    join unit_codes as u using (unit_code)
    where d.received_at <= $as_of_end
        and not (d.status in ('finished', 'rejected', 'withdrawn') and d.finished_at <= $as_of_end)
),

open_dossier as (
    select
        c.*,
        dl.effective_due_at,
        coalesce(dl.waiting_since <= $as_of_end, false) as waiting,
        case when dl.waiting_since <= $as_of_end then cast(dl.waiting_since as date) else $as_of end
            as counted_to
    from candidate as c
    join dossier_deadline as dl using (dossier_id)
    where c.supplement_count > 1
        or (dl.effective_due_at < $as_of_end and not coalesce(dl.waiting_since <= dl.effective_due_at, false))
),

final as (
    select
        o.dossier_id,
        o.current_code as unit_code,
        o.unit_code as recorded_unit_code,
        o.procedure_code,
        p.name_vi as procedure_name_vi,
        p.name_en as procedure_name_en,
        o.received_at,
        o.effective_due_at,
        o.status,
        o.supplement_count,
        o.waiting,
        greatest(coalesce(to_day.work_index - due_day.work_index, 0), 0) as days_overdue
    from open_dossier as o
    join procedures as p using (procedure_code)
    left join calendar_day as to_day on to_day.day = o.counted_to
    left join calendar_day as due_day
        on due_day.day = cast(o.effective_due_at as date) and o.effective_due_at < $as_of_end
)

select * from final
where ($q_dossier is null or contains(lower(dossier_id), lower($q_dossier)))
    and ($q_procedure is null or contains(lower(procedure_code || ' ' || procedure_name_vi), lower($q_procedure)))
    and ($q_status is null or status = $q_status)
