with

snapshots as (

    select * from {{ ref('int_snapshots_described') }}

),

stamped as (

    select
        *,
        {{ build_started_at() }} as built_at,
    from snapshots

),

-- Fixed at build time so every mart and the report agree; the shell can take the age now as
-- `now() - snapshot_at`.
final as (

    select
        *,
        epoch(built_at - snapshot_at) / 86400 as age_days_at_build,
    from stamped

)

select * from final
