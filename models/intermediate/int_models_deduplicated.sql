with

observations as (

    select * from {{ ref('int_model_snapshots_clipped') }}

),

seen as (

    select
        *,
        min(snapshot_at) over (partition by model_id) as first_seen_at,
        max(snapshot_at) over (partition by model_id) as last_seen_at,
        count(*) over (partition by model_id) as snapshot_count,
    from observations

),

-- Each model's newest observation carries its current metrics and attributes.
final as (

    select * from seen
    qualify row_number() over (
        partition by model_id
        order by snapshot_at desc, loaded_at desc, snapshot_id desc
    ) = 1

)

select * from final
