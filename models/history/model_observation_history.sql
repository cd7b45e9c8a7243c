-- The warehouse's history, lean: per model and snapshot the metrics, the category and the hash
-- of the other attributes (stored once per version in model_attribute_versions).
-- Configured with the history folder (dbt_project.yml), where its relation is named too: the
-- vars history_schema and history_table, which `python -m ingest.prune` reads. A warehouse of
-- older code (this table in `intermediate`, `was_clipped`, the wide history) is reshaped in
-- place by `make upgrade` (macros/upgrade_warehouse.sql).
{{ config(schema=var('history_schema'), alias=var('history_table')) }}

with

batch as (

    select * from {{ ref('int_model_snapshots_batch') }}
    {{ only_new_snapshots() }}

),

final as (

    select
        model_id,
        snapshot_id,
        snapshot_at,
        loaded_at,
        {{ build_started_at() }} as appended_at,
        category,
        attributes_hash,
        downloads,
        likes,
        trending_score,
        downloads_all_time,
        has_downloads,
        has_likes,
        has_trending_score,
        is_clipped,
    from batch

)

select * from final
