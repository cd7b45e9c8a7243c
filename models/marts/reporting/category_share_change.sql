with

category_trends as (

    select * from {{ ref('category_trends') }}

),

categories as (

    select * from {{ ref('categories') }}

),

bounds as (

    select
        min(snapshot_at) as first_snapshot_at,
        max(snapshot_at) as last_snapshot_at,
    from category_trends

),

-- A category absent from one end had a share of 0 there.
paired as (

    select
        category_trends.category,
        coalesce(
            sum(category_trends.share_of_models)
                filter (where category_trends.snapshot_at = bounds.first_snapshot_at),
            0
        ) as first_share_of_models,
        coalesce(
            sum(category_trends.share_of_models)
                filter (where category_trends.snapshot_at = bounds.last_snapshot_at),
            0
        ) as last_share_of_models,
    from category_trends
    cross join bounds
    group by category_trends.category

),

-- change_rank 1 moved most, up or down; a tie goes to the category first by name.
final as (

    select
        paired.category,
        categories.modality,
        bounds.first_snapshot_at,
        bounds.last_snapshot_at,
        paired.first_share_of_models::double as first_share_of_models,
        paired.last_share_of_models::double as last_share_of_models,
        ((paired.last_share_of_models - paired.first_share_of_models) * 100)::double
            as share_change_points,
        row_number() over (
            order by
                abs(paired.last_share_of_models - paired.first_share_of_models) desc,
                paired.category asc
        ) as change_rank,
    from paired
    cross join bounds
    left join categories on paired.category = categories.category

)

select * from final
