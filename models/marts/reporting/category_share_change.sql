with

category_trends as (

    select * from {{ ref('category_trends') }}

),

categories as (

    select * from {{ ref('categories') }}

),

-- The two latest snapshots, the window latest_model_growth compares too, so figure 10's panels
-- cover the same days.
latest_two as (

    select distinct snapshot_at from category_trends
    order by snapshot_at desc
    limit 2

),

bounds as (

    select
        min(snapshot_at) as previous_snapshot_at,
        max(snapshot_at) as latest_snapshot_at,
    from latest_two

),

-- A category absent from one end had a share of 0 there.
paired as (

    select
        category_trends.category,
        coalesce(
            sum(category_trends.share_of_models)
                filter (where category_trends.snapshot_at = bounds.previous_snapshot_at),
            0
        ) as previous_share_of_models,
        coalesce(
            sum(category_trends.share_of_models)
                filter (where category_trends.snapshot_at = bounds.latest_snapshot_at),
            0
        ) as latest_share_of_models,
        sum(category_trends.downloads_per_day)
            filter (where category_trends.snapshot_at = bounds.latest_snapshot_at)
            as latest_downloads_per_day,
    from category_trends
    inner join latest_two on category_trends.snapshot_at = latest_two.snapshot_at
    cross join bounds
    group by category_trends.category

),

-- change_rank 1 moved most, up or down; a tie goes to the category first by name.
final as (

    select
        paired.category,
        categories.modality,
        bounds.previous_snapshot_at,
        bounds.latest_snapshot_at,
        paired.previous_share_of_models::double as previous_share_of_models,
        paired.latest_share_of_models::double as latest_share_of_models,
        ((paired.latest_share_of_models - paired.previous_share_of_models) * 100)::double
            as share_change_points,
        paired.latest_downloads_per_day::double as latest_downloads_per_day,
        (
            paired.latest_downloads_per_day
            / nullif(sum(paired.latest_downloads_per_day) over (), 0)
        )::double as latest_share_of_downloads_per_day,
        row_number() over (
            order by
                abs(paired.latest_share_of_models - paired.previous_share_of_models) desc,
                paired.category asc
        ) as change_rank,
    from paired
    cross join bounds
    left join categories on paired.category = categories.category

)

select * from final
