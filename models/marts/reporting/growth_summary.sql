with

latest_model_growth as (

    select * from {{ ref('latest_model_growth') }}

),

leader as (

    select model_id, likes_per_day from latest_model_growth
    where growth_rank = 1

),

-- Every row of latest_model_growth compares the same pair of capture times, so grouping by the
-- pair makes one row.
final as (

    select
        latest_model_growth.snapshot_at,
        latest_model_growth.previous_snapshot_at,
        latest_model_growth.days_between,
        count(*) as model_count,
        median(latest_model_growth.likes_per_day)::double as median_likes_per_day,
        any_value(leader.model_id) as top_model_id,
        any_value(leader.likes_per_day) as top_likes_per_day,
        count(*) filter (where latest_model_growth.likes_per_day = leader.likes_per_day)
            as top_tie_count,
        (
            sum(latest_model_growth.likes_change)
                filter (where latest_model_growth.category = 'text-generation')
            / nullif(sum(latest_model_growth.likes_change), 0)
        )::double as text_generation_share_of_likes_gained,
        avg((latest_model_growth.category = 'text-generation')::int)::double
            as text_generation_share_of_models,
        count(latest_model_growth.downloads_per_day) as downloads_per_day_model_count,
        median(latest_model_growth.downloads_per_day)::double as median_downloads_per_day,
        sum(latest_model_growth.downloads_per_day)::double as total_downloads_per_day,
    from latest_model_growth
    cross join leader
    group by
        latest_model_growth.snapshot_at,
        latest_model_growth.previous_snapshot_at,
        latest_model_growth.days_between

)

select * from final
