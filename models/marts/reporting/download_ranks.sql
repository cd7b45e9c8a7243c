with

models as (

    select * from {{ ref('models') }}

),

-- One sort of the models by downloads gives both the rank and the running total.
ranked as (

    select
        model_id,
        downloads,
        row_number() over by_downloads as download_rank,
        sum(downloads) over by_downloads as cumulative_downloads,
        count(*) over () as model_count,
        sum(downloads) over () as total_downloads,
    from models
    where downloads is not null
    window by_downloads as (
        order by downloads desc, model_id asc rows between unbounded preceding and current row
    )

),

final as (

    select
        model_id,
        download_rank,
        downloads,
        (download_rank / model_count)::double as share_of_models,
        (cumulative_downloads / nullif(total_downloads, 0))::double as cumulative_download_share,
    from ranked

)

select * from final
