-- calendar_day: Vietnam's working-day calendar, rebuilt from warehouse.calendar at publish.
-- grain: one row per day. work_index = working days from the first day up to this day.
create table if not exists calendar_day (
    day          date primary key,
    is_working   boolean not null,
    work_index   integer not null,
    holiday_name varchar
);
