-- Question: what does each column of a mart mean?
-- The dbt descriptions are stored as comments in the warehouse itself, so the shell can show
-- them; change the table name below (or drop the filter to list every mart).
select
    table_name,
    column_name,
    data_type,
    comment,
from duckdb_columns()
where schema_name = 'marts' and table_name = 'models'
order by column_index
