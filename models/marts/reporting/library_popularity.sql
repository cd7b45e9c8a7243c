with

models as (

    select * from {{ ref('models') }}

),

-- Models without a library count as one row with a null library_name, so the shares add up to 1.
per_library_name as (

    select
        library_name,
        count(*) as model_count,
        coalesce(sum(downloads), 0)::bigint as total_downloads,
        coalesce(sum(likes), 0)::bigint as total_likes,
    from models
    group by library_name

),

-- Shares and ranks over the library rows, not over the models again.
final as (

    select
        library_name,
        model_count,
        total_downloads,
        total_likes,
        (model_count / sum(model_count) over ())::double as share_of_models,
        (total_downloads / nullif(sum(total_downloads) over (), 0))::double as share_of_downloads,
        row_number() over (
            order by total_downloads desc, model_count desc, library_name asc nulls last
        ) as downloads_rank,
    from per_library_name

)

select * from final
