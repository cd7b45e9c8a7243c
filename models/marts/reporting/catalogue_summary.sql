with

snapshots as (

    select * from {{ ref('snapshots') }}

),

catalogue_modality_use as (

    select * from {{ ref('catalogue_modality_use') }}

),

catalogue_release_trends as (

    select * from {{ ref('catalogue_release_trends') }}

),

catalogue_totals as (

    select
        snapshot_id,
        sum(model_count)::bigint as model_count,
        (sum(model_count) filter (where modality is not null))::bigint
            as categorised_model_count,
        sum(placeholder_count)::bigint as placeholder_count,
    from catalogue_modality_use
    group by snapshot_id

),

months as (

    select distinct
        snapshot_id,
        release_month,
        month_model_count,
        is_partial_month,
        date_trunc('month', snapshot_at)::date as capture_month,
    from catalogue_release_trends

),

-- Whole months only: the 12 before the capture's own (partial) month, against the 12 before
-- those, so a partial month or a partial calendar year never weighs on the comparison.
release_totals as (

    select
        snapshot_id,
        sum(month_model_count)::bigint as released_since_2022_count,
        any_value(capture_month) - interval 12 month as last_12_months_from,
        coalesce(sum(month_model_count) filter (
            where release_month >= capture_month - interval 12 month
            and release_month < capture_month
        ), 0)::bigint as last_12_months_model_count,
        coalesce(sum(month_model_count) filter (
            where release_month >= capture_month - interval 24 month
            and release_month < capture_month - interval 12 month
        ), 0)::bigint as previous_12_months_model_count,
        arg_max(release_month, (month_model_count, -epoch(release_month)))
            filter (where not is_partial_month) as peak_release_month,
        max(month_model_count) filter (where not is_partial_month) as peak_month_model_count,
    from months
    group by snapshot_id

),

final as (

    select
        snapshots.snapshot_id,
        snapshots.snapshot_at,
        snapshots.sample_description,
        catalogue_totals.model_count,
        catalogue_totals.categorised_model_count,
        catalogue_totals.placeholder_count,
        coalesce(release_totals.released_since_2022_count, 0) as released_since_2022_count,
        release_totals.last_12_months_from::date as last_12_months_from,
        coalesce(release_totals.last_12_months_model_count, 0) as last_12_months_model_count,
        coalesce(release_totals.previous_12_months_model_count, 0)
            as previous_12_months_model_count,
        (
            release_totals.last_12_months_model_count
            / nullif(release_totals.previous_12_months_model_count, 0)
        )::double as ratio_to_previous_12_months,
        release_totals.peak_release_month,
        release_totals.peak_month_model_count,
    from catalogue_totals
    inner join snapshots on catalogue_totals.snapshot_id = snapshots.snapshot_id
    left join release_totals on catalogue_totals.snapshot_id = release_totals.snapshot_id

)

select * from final
