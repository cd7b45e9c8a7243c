with

snapshots as (

    select * from {{ ref('snapshots') }}

),

sample_snapshots as (

    select * from {{ ref('sample_snapshots') }}

),

models as (

    select * from {{ ref('models') }}

),

category_popularity as (

    select * from {{ ref('category_popularity') }}

),

latest_snapshot as (

    select snapshot_id, snapshot_at, built_at, age_days_at_build from snapshots
    where is_newest

),

snapshot_totals as (

    select count(*) as snapshot_count from sample_snapshots

),

model_totals as (

    select
        count(*) as model_count,
        count(*) filter (where is_created_at_placeholder) as placeholder_count,
        count(*) filter (where created_at is not null and not is_created_at_placeholder)
            as dated_model_count,
        count(*) filter (where release_year is not null and category is null)
            as dated_uncategorised_model_count,
    from models

),

category_totals as (

    select
        sum(model_count)::bigint as categorised_model_count,
        count(*) as category_count,
    from category_popularity

),

final as (

    select
        latest_snapshot.snapshot_id as latest_snapshot_id,
        latest_snapshot.snapshot_at as latest_snapshot_at,
        latest_snapshot.age_days_at_build as latest_snapshot_age_days,
        latest_snapshot.built_at,
        snapshot_totals.snapshot_count,
        model_totals.model_count,
        model_totals.placeholder_count,
        (model_totals.placeholder_count / nullif(model_totals.model_count, 0))::double
            as placeholder_share,
        category_totals.categorised_model_count,
        category_totals.category_count,
        model_totals.dated_model_count,
        model_totals.dated_uncategorised_model_count,
    from latest_snapshot
    cross join snapshot_totals
    cross join model_totals
    cross join category_totals

)

select * from final
