{#-
    In an incremental model, keep only rows of snapshots the model has not stored yet.
    Landed snapshots never change, so appending new ones is the whole update: the daily
    build's cost follows the new snapshot, not the length of history.
-#}
{% macro only_new_snapshots(keyword='where') -%}
    {%- if is_incremental() -%}
        {{ keyword }} snapshot_id not in (select distinct t.snapshot_id from {{ this }} as t)
    {%- endif -%}
{%- endmacro %}
