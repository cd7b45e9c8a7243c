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
        date_trunc('month', models.created_at)::date as release_month,
        coalesce(models.modality, 'uncategorised') as modality,
        coalesce(models.research_group, 'Uncategorised') as research_group,
        models.last_snapshot_id,
        snapshots.sample_description,
    from models
    inner join snapshots on models.last_snapshot_id = snapshots.snapshot_id
    where models.created_at is not null and not models.is_created_at_placeholder

),

per_month as (

    select
        release_month,
        modality,
        any_value(research_group) as research_group,
        count(*) as model_count,
        count(distinct last_snapshot_id) as snapshot_count,
        string_agg(distinct sample_description, '; ' order by sample_description)
            as sample_description,
    from released
    group by release_month, modality

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
