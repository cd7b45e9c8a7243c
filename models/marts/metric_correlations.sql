with

models as (

    select * from {{ ref('models') }}

),

-- Pearson's r over the models that have both values, as pandas' DataFrame.corr() does.
pairs as (

    select 'downloads' as metric_a, 'likes' as metric_b,
        corr(downloads, likes) as pearson_r,
        count(*) filter (where downloads is not null and likes is not null) as model_count,
    from models
    union all
    select 'downloads', 'trending_score',
        corr(downloads, trending_score),
        count(*) filter (where downloads is not null and trending_score is not null),
    from models
    union all
    select 'likes', 'trending_score',
        corr(likes, trending_score),
        count(*) filter (where likes is not null and trending_score is not null),
    from models

),

-- corr() is NaN when either metric is constant or only one model has both; say "undefined"
-- with null, as NaN breaks every comparison downstream.
final as (

    select
        metric_a,
        metric_b,
        case when not isnan(pearson_r) then pearson_r end as pearson_r,
        model_count,
    from pairs

)

select * from final
