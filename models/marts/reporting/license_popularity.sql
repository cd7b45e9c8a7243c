with

models as (

    select * from {{ ref('models') }}

),

-- Models without a licence count as one row with a null license, so the shares add up to 1.
per_license as (

    select
        license,
        count(*) as model_count,
        coalesce(sum(downloads), 0)::bigint as total_downloads,
        coalesce(sum(likes), 0)::bigint as total_likes,
    from models
    group by license

),

-- Shares and ranks over the licence rows, not over the models again.
final as (

    select
        license,
        model_count,
        total_downloads,
        total_likes,
        (model_count / sum(model_count) over ())::double as share_of_models,
        (total_downloads / nullif(sum(total_downloads) over (), 0))::double as share_of_downloads,
        row_number() over (
            order by total_downloads desc, model_count desc, license asc nulls last
        ) as downloads_rank,
    from per_license

)

select * from final
