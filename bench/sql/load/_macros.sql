-- Cell conversions of the pipeline (pipelines/parse.py, pipelines/columns.py) as macros,
-- for bulk loads that bypass the Python validation. Temporary: nothing is stored.
--   cell        stripped text, an empty cell is NULL
--   code        text in Unicode NFC, as the pipeline stores every text column
--   choice      an enum value, matched case-insensitively
--   local_time  a timestamp: naive text is local, text with an offset (+00:00, +07:00, Z)
--               is converted to Asia/Ho_Chi_Minh; stored naive, to the second
--   flag        true/false, an empty cell is false
create or replace temp macro cell(v) as nullif(trim(v), '');
create or replace temp macro code(v) as nfc_normalize(cell(v));
create or replace temp macro choice(v) as lower(cell(v));
create or replace temp macro local_time(v) as date_trunc('second',
    case
        when regexp_matches(cell(v), '\d:\d\d(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)$')
            then timezone('Asia/Ho_Chi_Minh', cast(cell(v) as timestamptz))
        else cast(cell(v) as timestamp)
    end);
create or replace temp macro flag(v) as coalesce(cast(cell(v) as boolean), false);
