-- Configured with the history folder (dbt_project.yml), where its relation is named too: the
-- vars history_schema and history_table, which `python -m ingest.prune` reads. Warehouses built
-- before `was_clipped` became `is_clipped` keep that column's values: it is renamed in place.
{{
    config(
        schema=var('history_schema'),
        alias=var('history_table'),
        pre_hook="{{ rename_stored_column('was_clipped', 'is_clipped') }}",
    )
}}

with

observations as (

    select * from {{ ref('int_model_snapshots_deduplicated') }}
    {{ only_new_snapshots() }}

),

-- The seed clipped counts at 0; a negative count is an API glitch, not a value. The flags keep
-- the anomaly visible to the warn-level tests instead of clipping it away silently.
final as (

    select
        * exclude (downloads, likes, trending_score),
        case when downloads < 0 then 0 else downloads end as downloads,
        case when likes < 0 then 0 else likes end as likes,
        case when trending_score < 0 then 0 else trending_score end as trending_score,
        coalesce(downloads < 0 or likes < 0 or trending_score < 0, false) as is_clipped,
    from observations

)

select * from final
