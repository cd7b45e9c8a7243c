{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        full_refresh=var('rebuild_history', false),
        pre_hook="{{ refuse_to_drop_pruned_history() }}",
    )
}}

with

observations as (

    select * from {{ ref('int_model_snapshots_clipped') }}
    {{ only_new_snapshots() }}

),

final as (

    select
        model_id,
        snapshot_id,
        snapshot_at,
        downloads,
        likes,
        trending_score,
    from observations

)

select * from final
