with

release_trends as (

    select * from {{ ref('release_trends') }}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

-- Over the few hundred month-and-modality rows, not the models again.
per_month as (

    select
        release_month,
        sum(model_count)::bigint as model_count,
    from release_trends
    group by release_month

),

-- No model can be seen before the newest snapshot was taken, so that snapshot's month is only
-- observed up to its capture day: a partial month, drawn and read as one.
observed as (

    select max(snapshot_at)::date as observed_until from snapshots

),

final as (

    select
        per_month.release_month,
        per_month.model_count,
        (per_month.model_count / sum(per_month.model_count) over ())::double
            as share_of_dated_models,
        -- month_rank 1 is the month with the most releases; a tie goes to the earlier month.
        row_number() over (
            order by per_month.model_count desc, per_month.release_month asc
        ) as month_rank,
        coalesce(
            per_month.release_month = date_trunc('month', observed.observed_until)::date
            and observed.observed_until < last_day(observed.observed_until),
            false
        ) as is_partial_month,
        case
            when per_month.release_month = date_trunc('month', observed.observed_until)::date
                then observed.observed_until
            else last_day(per_month.release_month)
        end as observed_until,
    from per_month
    cross join observed

)

select * from final
