{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
    )
}}

with

observations as (

    select * from {{ ref('int_model_snapshots_clipped') }}
    {% if is_incremental() %}
        -- Landed snapshots never change, so only new ones are appended: the daily build's
        -- cost follows the new snapshot, not the length of history.
        where snapshot_id not in (select distinct t.snapshot_id from {{ this }} as t)
    {% endif %}

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
