with

category_popularity as (

    select * from {{ ref('category_popularity') }}

),

-- From the per-category mart: a few dozen rows, not the models again.
per_group as (

    select
        research_group,
        sum(model_count)::bigint as model_count,
        sum(total_downloads)::bigint as total_downloads,
        sum(total_likes)::bigint as total_likes,
        sum(total_trending_score)::double as total_trending_score,
    from category_popularity
    group by research_group

),

shares as (

    select
        *,
        (model_count / sum(model_count) over ())::double as share_of_models,
        (total_downloads / nullif(sum(total_downloads) over (), 0))::double as share_of_downloads,
        (total_likes / nullif(sum(total_likes) over (), 0))::double as share_of_likes,
        (total_trending_score / nullif(sum(total_trending_score) over (), 0))::double
            as share_of_trending_score,
    from per_group

),

-- Rank 1 leads the measure; a tie goes to the name first in alphabetical order, so the leader
-- is the same from run to run.
final as (

    select
        *,
        row_number() over (order by share_of_models desc, research_group asc) as models_rank,
        row_number() over (
            order by share_of_downloads desc nulls last, research_group asc
        ) as downloads_rank,
        row_number() over (
            order by share_of_likes desc nulls last, research_group asc
        ) as likes_rank,
        row_number() over (
            order by share_of_trending_score desc nulls last, research_group asc
        ) as trending_score_rank,
    from shares

)

select * from final
