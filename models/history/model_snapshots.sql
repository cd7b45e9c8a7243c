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
