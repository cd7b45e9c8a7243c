with

download_ranks as (

    select * from {{ ref('download_ranks') }}

),

models as (

    select * from {{ ref('models') }}

),

metric_summary as (

    select * from {{ ref('metric_summary') }}

),

metric_correlations as (

    select * from {{ ref('metric_correlations') }}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

latest_snapshot as (

    select snapshot_id from snapshots
    order by snapshot_at desc, snapshot_id desc
    limit 1

),

-- The top 1% is the top ceil(1% of n) models: at least one model in a small sample.
concentration as (

    select
        count(*) as model_count,
        ceil(count(*) * 0.01)::bigint as top_1pct_model_count,
        count(*) filter (where downloads = 0) as zero_download_count,
    from download_ranks

),

top_share as (

    select download_ranks.cumulative_download_share as top_1pct_download_share
    from download_ranks
    inner join concentration
        on download_ranks.download_rank = concentration.top_1pct_model_count

),

-- On a log-log scatter a 0 cannot be drawn as is; the chart says how many sit on its edges.
zeros as (

    select count(*) as zero_likes_or_downloads_count
    from models
    where downloads is not null and likes is not null and (downloads = 0 or likes = 0)

),

downloads_summary as (

    select median_value as median_downloads, mean_value as mean_downloads
    from metric_summary
    where metric = 'downloads'

),

downloads_likes as (

    select pearson_r as downloads_likes_pearson_r, model_count as downloads_likes_model_count
    from metric_correlations
    where metric_a = 'downloads' and metric_b = 'likes'

),

-- The report's word for r, by the usual rule of thumb (|r| under 0.3 weak, under 0.7
-- moderate), decided here so that figure 9's title and the report's sentence cannot disagree.
downloads_likes_worded as (

    select
        *,
        case
            when abs(downloads_likes_pearson_r) < 0.3 then 'weakly'
            when abs(downloads_likes_pearson_r) < 0.7 then 'moderately'
            when downloads_likes_pearson_r is not null then 'strongly'
        end as downloads_likes_strength,
    from downloads_likes

),

final as (

    select
        latest_snapshot.snapshot_id as latest_snapshot_id,
        concentration.model_count,
        concentration.top_1pct_model_count,
        top_share.top_1pct_download_share,
        concentration.zero_download_count,
        zeros.zero_likes_or_downloads_count,
        downloads_summary.median_downloads,
        downloads_summary.mean_downloads,
        downloads_likes_worded.downloads_likes_pearson_r,
        downloads_likes_worded.downloads_likes_strength,
        downloads_likes_worded.downloads_likes_model_count,
    from latest_snapshot
    cross join concentration
    cross join zeros
    left join top_share on true
    left join downloads_summary on true
    left join downloads_likes_worded on true

)

select * from final
