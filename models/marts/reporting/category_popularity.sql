with

models as (

    select * from {{ ref('models') }}

),

categories as (

    select * from {{ ref('categories') }}

),

-- The seed's dropna(subset=["category", "year"]): a model needs a category and a creation date.
categorised as (

    select * from models
    where category is not null and created_at is not null

),

per_category as (

    select
        category,
        count(*) as model_count,
        sum(downloads)::bigint as total_downloads,
        avg(downloads)::double as mean_downloads,
        median(downloads)::double as median_downloads,
        sum(likes)::bigint as total_likes,
        avg(likes)::double as mean_likes,
        median(likes)::double as median_likes,
        sum(trending_score)::double as total_trending_score,
        avg(trending_score)::double as mean_trending_score,
        median(trending_score)::double as median_trending_score,
    from categorised
    group by category

),

-- Shares over a few dozen category rows, not over the models.
final as (

    select
        per_category.category,
        categories.modality,
        categories.modality_label,
        categories.research_group,
        per_category.model_count,
        per_category.total_downloads,
        per_category.mean_downloads,
        per_category.median_downloads,
        per_category.total_likes,
        per_category.mean_likes,
        per_category.median_likes,
        per_category.total_trending_score,
        per_category.mean_trending_score,
        per_category.median_trending_score,
        (per_category.model_count / sum(per_category.model_count) over ())::double
            as share_of_models,
        (
            per_category.total_downloads / nullif(sum(per_category.total_downloads) over (), 0)
        )::double as share_of_downloads,
        (per_category.total_likes / nullif(sum(per_category.total_likes) over (), 0))::double
            as share_of_likes,
        (
            per_category.total_trending_score
            / nullif(sum(per_category.total_trending_score) over (), 0)
        )::double as share_of_trending_score,
    from per_category
    inner join categories on per_category.category = categories.category

)

select * from final
