with

models as (

    select * from {{ ref('models') }}

),

-- One row per metric, like pandas' describe(): sample std, linear-interpolated quartiles.
metrics as (

    unpivot (
        select
            model_id,
            downloads::double as downloads,
            likes::double as likes,
            trending_score,
        from models
    )
    on downloads, likes, trending_score
    into name metric value metric_value

),

final as (

    select
        metric,
        count(metric_value) as value_count,
        avg(metric_value) as mean_value,
        stddev_samp(metric_value) as std_value,
        min(metric_value) as min_value,
        quantile_cont(metric_value, 0.25) as p25_value,
        quantile_cont(metric_value, 0.5) as median_value,
        quantile_cont(metric_value, 0.75) as p75_value,
        max(metric_value) as max_value,
    from metrics
    group by metric

)

select * from final
