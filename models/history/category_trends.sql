with

observations as (

    select * from {{ ref('int_model_snapshots_clipped') }}
    where category is not null
    {{ only_new_snapshots('and') }}

),

categories as (

    select * from {{ ref('categories') }}

),

per_category as (

    select
        snapshot_id,
        any_value(snapshot_at) as snapshot_at,
        category,
        count(*) as model_count,
        sum(downloads)::bigint as total_downloads,
        sum(likes)::bigint as total_likes,
    from observations
    group by snapshot_id, category

),

-- Shares are within a snapshot: each snapshot may sample a different population.
final as (

    select
        per_category.snapshot_id,
        per_category.snapshot_at,
        per_category.category,
        categories.modality,
        categories.research_group,
        per_category.model_count,
        per_category.total_downloads,
        per_category.total_likes,
        (
            per_category.model_count
            / sum(per_category.model_count) over (partition by per_category.snapshot_id)
        )::double as share_of_models,
        (
            per_category.total_downloads
            / nullif(
                sum(per_category.total_downloads) over (partition by per_category.snapshot_id), 0
            )
        )::double as share_of_downloads,
        -- Placeholder (branch report) until branch history's downloads per day from the Hub's
        -- all-time counts lands: take that version on merge.
        null::double as downloads_per_day,
    from per_category
    left join categories on per_category.category = categories.category

)

select * from final
