with

models as (

    select * from {{ ref('models') }}

),

-- Pearson's r over the models that have both values, as pandas' DataFrame.corr() does.
pairs as (

    select 'downloads' as metric_a, 'likes' as metric_b,
        corr(downloads, likes) as pearson_r,
        count(downloads * likes) as model_count,
    from models
    union all
    select 'downloads', 'trending_score',
        corr(downloads, trending_score),
        count(downloads * trending_score),
    from models
    union all
    select 'likes', 'trending_score',
        corr(likes, trending_score),
        count(likes * trending_score),
    from models

),

final as (

    select * from pairs

)

select * from final
