with

models as (

    select * from {{ ref('models') }}

),

-- The seed's dropna(subset=["category", "year"]): a model needs a category and a creation date.
categorised as (

    select * from models
    where category is not null and created_at is not null

),

final as (

    select
        category,
        any_value(modality) as modality,
        any_value(research_group) as research_group,
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
        (count(*) / sum(count(*)) over ())::double as share_of_models,
        (sum(downloads) / sum(sum(downloads)) over ())::double as share_of_downloads,
    from categorised
    group by category

)

select * from final
