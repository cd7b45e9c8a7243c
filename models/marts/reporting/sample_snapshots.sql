with

snapshots as (

    select * from {{ ref('snapshots') }}

),

models as (

    select * from {{ ref('models') }}

),

-- A model is counted at its newest observation, as every other mart counts it; for the latest
-- snapshot of a full sample that is exactly the models it holds.
newest_models as (

    select
        models.last_snapshot_id as snapshot_id,
        count(*) as newest_model_count,
        count(*) filter (
            where models.created_at is not null and not models.is_created_at_placeholder
        ) as dated_model_count,
        count(*) filter (
            where
                not models.is_created_at_placeholder
                and date_trunc('month', models.created_at)
                = date_trunc('month', snapshots.snapshot_at)
        ) as created_in_snapshot_month_count,
        count(*) filter (
            where
                not models.is_created_at_placeholder
                and models.created_at > snapshots.snapshot_at - interval 30 day
                and models.created_at <= snapshots.snapshot_at
        ) as created_in_last_30_days_count,
    from models
    inner join snapshots on models.last_snapshot_id = snapshots.snapshot_id
    group by models.last_snapshot_id

),

final as (

    select
        snapshots.snapshot_id,
        snapshots.snapshot_at,
        snapshots.sample_description,
        snapshots.is_full_catalogue,
        snapshots.model_count,
        snapshots.is_newest as is_latest,
        coalesce(newest_models.newest_model_count, 0) as newest_model_count,
        coalesce(newest_models.dated_model_count, 0) as dated_model_count,
        coalesce(newest_models.created_in_snapshot_month_count, 0)
            as created_in_snapshot_month_count,
        (
            newest_models.created_in_snapshot_month_count
            / nullif(newest_models.newest_model_count, 0)
        )::double as created_in_snapshot_month_share,
        coalesce(newest_models.created_in_last_30_days_count, 0)
            as created_in_last_30_days_count,
        (
            newest_models.created_in_last_30_days_count
            / nullif(newest_models.newest_model_count, 0)
        )::double as created_in_last_30_days_share,
    from snapshots
    left join newest_models on snapshots.snapshot_id = newest_models.snapshot_id

)

select * from final
