with

models as (

    select * from {{ ref('models') }}

),

snapshots as (

    select * from {{ ref('snapshots') }}

),

-- The placeholder date is the Hub's import, not a release: those models are left out here.
released as (

    select
        date_trunc('month', created_at)::date as release_month,
        modality,
        research_group,
        last_snapshot_id,
    from models
    where created_at is not null and not is_created_at_placeholder

),

-- Counted per snapshot first: the few resulting rows, not millions of models, are then joined to
-- their snapshots' descriptions and strung together.
per_snapshot as (

    select
        release_month,
        modality,
        research_group,
        last_snapshot_id,
        count(*) as model_count,
    from released
    -- research_group follows from modality: grouping by it adds no rows.
    group by release_month, modality, research_group, last_snapshot_id

),

per_month as (

    select
        per_snapshot.release_month,
        per_snapshot.modality,
        per_snapshot.research_group,
        sum(per_snapshot.model_count)::bigint as model_count,
        count(*) as snapshot_count,
        string_agg(
            distinct snapshots.sample_description, '; ' order by snapshots.sample_description
        )
            as sample_description,
    from per_snapshot
    inner join snapshots on per_snapshot.last_snapshot_id = snapshots.snapshot_id
    group by per_snapshot.release_month, per_snapshot.modality, per_snapshot.research_group

),

final as (

    select
        release_month,
        modality,
        research_group,
        model_count,
        (model_count / sum(model_count) over (partition by release_month))::double
            as share_of_month,
        snapshot_count,
        sample_description,
    from per_month

)

select * from final
