{#-
    In an incremental model, keep only rows of snapshots the model has not stored yet (or, with
    `stored_in`, that another table has not stored yet).
    Landed snapshots never change, so appending new ones is the whole update: the daily
    build's cost follows the new snapshot, not the length of history.

    The stored snapshot ids are looked up first and written into the query as constants. A
    `not in (select ... from this)` filter stays above the views it filters, so DuckDB parsed
    every stored snapshot's JSON again only to drop it; constants go down to the raw table
    scan, whose zone maps then skip the row groups of stored snapshots.
-#}
{% macro only_new_snapshots(keyword='where', stored_in=none) -%}
    {%- set relation = stored_in if stored_in is not none else (this if is_incremental()) -%}
    {%- if execute and relation and stored_columns(relation) | length > 0 -%}
        {%- set stored = run_query(
            'select distinct snapshot_id from ' ~ relation ~ ' order by 1'
        ).columns[0].values() -%}
        {%- if stored | length > 0 -%}
            {{ keyword }} snapshot_id not in (
            {%- for snapshot_id in stored -%}
                '{{ snapshot_id | replace("'", "''") }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
