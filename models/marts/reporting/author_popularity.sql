with

models as (

    select * from {{ ref('models') }}

),

-- Models without an author count as one row with a null author, so the shares add up to 1.
per_author as (

    select
        author,
        count(*) as model_count,
        coalesce(sum(downloads), 0)::bigint as total_downloads,
        coalesce(sum(likes), 0)::bigint as total_likes,
    from models
    group by author

),

-- Shares and ranks over the author rows, not over the models again.
final as (

    select
        author,
        model_count,
        total_downloads,
        total_likes,
        (model_count / sum(model_count) over ())::double as share_of_models,
        (total_downloads / nullif(sum(total_downloads) over (), 0))::double as share_of_downloads,
        row_number() over (
            order by total_downloads desc, model_count desc, author asc nulls last
        ) as downloads_rank,
    from per_author

)

select * from final
