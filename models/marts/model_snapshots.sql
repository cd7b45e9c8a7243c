-- A view over the lean history table: the metrics are stored once, there.
{{ config(materialized='view') }}

with

history as (

    select * from {{ ref('model_observation_history') }}

),

final as (

    select
        model_id,
        snapshot_id,
        snapshot_at,
        downloads,
        likes,
        trending_score,
        downloads_all_time,
    from history

)

select * from final
