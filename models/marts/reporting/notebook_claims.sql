with

sample_snapshots as (

    select * from {{ ref('sample_snapshots') }}

),

catalogue_summary as (

    select * from {{ ref('catalogue_summary') }}

),

catalogue_modality_use as (

    select * from {{ ref('catalogue_modality_use') }}

),

research_group_share as (

    select * from {{ ref('research_group_share') }}

),

releases_by_year as (

    select * from {{ ref('releases_by_year') }}

),

-- The one threshold the report states, kept here only: releases in the last 12 whole months at
-- least this many times the 12 before are a "sharp increase".
thresholds as (

    select 1.5::double as sharp_increase_ratio

),

-- A full-catalogue newest snapshot whose catalogue marts are empty must not be judged as a
-- trending sample: it says the catalogue marts are missing instead.
latest_snapshot as (

    select
        coalesce(bool_or(is_full_catalogue) filter (where is_latest), false)
            as is_full_catalogue,
    from sample_snapshots

),

catalogue_releases as (

    select
        count(*) > 0 as is_measured,
        any_value(last_12_months_model_count) as recent_model_count,
        any_value(previous_12_months_model_count) as earlier_model_count,
        any_value(ratio_to_previous_12_months) as release_ratio,
    from catalogue_summary

),

-- A tie for first goes to the modality first in the legend, as the figures draw it.
catalogue_leaders as (

    select
        {%- for measure in ['models', 'downloads', 'likes'] %}
        coalesce(max(share_of_{{ measure }}) filter (where modality = 'nlp'), 0)
            as text_share_of_{{ measure }},
        {%- endfor %}
        {%- for measure in ['models', 'downloads', 'likes'] %}
        first(modality order by display_order) filter (where {{ measure }}_rank = 1)
            as {{ measure }}_leader_modality,
        first(modality_label order by display_order) filter (where {{ measure }}_rank = 1)
            as {{ measure }}_leader,
        first(share_of_{{ measure }} order by display_order) filter (where {{ measure }}_rank = 1)
            as {{ measure }}_leader_share,
        {%- endfor %}
    from catalogue_modality_use

),

-- research_group_share ranks with row_number, so each rank 1 is one group.
sample_leaders as (

    select
        count(*) > 0 as is_measured,
        coalesce(max(share_of_models) filter (where research_group = 'Text'), 0)
            as text_share_of_models,
        coalesce(max(share_of_downloads) filter (where research_group = 'Text'), 0)
            as text_share_of_downloads,
        coalesce(max(share_of_likes) filter (where research_group = 'Text'), 0)
            as text_share_of_likes,
        coalesce(max(share_of_trending_score) filter (where research_group = 'Text'), 0)
            as text_share_of_trending_score,
        max(research_group) filter (where models_rank = 1) as models_leader,
        coalesce(max(share_of_models) filter (where models_rank = 1), 0) as models_leader_share,
        max(research_group) filter (where downloads_rank = 1) as downloads_leader,
        coalesce(max(share_of_downloads) filter (where downloads_rank = 1), 0)
            as downloads_leader_share,
        max(research_group) filter (where likes_rank = 1) as likes_leader,
        coalesce(max(share_of_likes) filter (where likes_rank = 1), 0) as likes_leader_share,
        max(research_group) filter (where trending_score_rank = 1) as trending_score_leader,
        coalesce(max(share_of_trending_score) filter (where trending_score_rank = 1), 0)
            as trending_score_leader_share,
    from research_group_share

),

dated_years as (

    select
        release_year,
        model_count,
        share_of_models,
        ratio_to_previous_year,
        row_number() over (order by release_year desc) as year_rank,
    from releases_by_year
    where release_year is not null and not coalesce(is_placeholder_bucket, false)

),

-- On a sample: the newest release year against the one before it.
sample_releases as (

    select
        max(release_year) filter (where year_rank = 1) as recent_year,
        max(release_year) filter (where year_rank = 2) as earlier_year,
        max(model_count) filter (where year_rank = 1) as recent_model_count,
        max(model_count) filter (where year_rank = 2) as earlier_model_count,
        max(share_of_models) filter (where year_rank = 1) as recent_share_of_models,
        max(share_of_models) filter (where year_rank = 2) as earlier_share_of_models,
        max(ratio_to_previous_year) filter (where year_rank = 1) as release_ratio,
        count(*) >= 2
        and max(ratio_to_previous_year) filter (where year_rank = 1) is not null
            as is_measured,
    from dated_years

),

text_dominance as (

    select
        'text_dominates' as claim_id,
        1 as claim_order,
        'Text-based models dominate model releases and popularity metrics.' as claim,
        case
            when catalogue_releases.is_measured then 'full catalogue'
            when latest_snapshot.is_full_catalogue then 'nothing'
            when sample_leaders.is_measured then 'trending sample'
            else 'nothing'
        end as decided_on,
        {%- for measure in ['models', 'downloads', 'likes'] %}
        case
            when catalogue_releases.is_measured then catalogue_leaders.text_share_of_{{ measure }}
            else sample_leaders.text_share_of_{{ measure }}
        end as text_share_of_{{ measure }},
        {%- endfor %}
        -- The catalogue has no trending score: a full crawl is judged on three measures.
        case
            when not catalogue_releases.is_measured
                then sample_leaders.text_share_of_trending_score
        end as text_share_of_trending_score,
        {%- for measure in ['models', 'downloads', 'likes'] %}
        case
            when catalogue_releases.is_measured then catalogue_leaders.{{ measure }}_leader
            else sample_leaders.{{ measure }}_leader
        end as {{ measure }}_leader,
        case
            when catalogue_releases.is_measured then catalogue_leaders.{{ measure }}_leader_share
            else sample_leaders.{{ measure }}_leader_share
        end as {{ measure }}_leader_share,
        case
            when catalogue_releases.is_measured
                then coalesce(catalogue_leaders.{{ measure }}_leader_modality = 'nlp', false)
            else coalesce(sample_leaders.{{ measure }}_leader = 'Text', false)
        end as text_leads_{{ measure }},
        {%- endfor %}
        case
            when not catalogue_releases.is_measured then sample_leaders.trending_score_leader
        end as trending_score_leader,
        case
            when not catalogue_releases.is_measured
                then sample_leaders.trending_score_leader_share
        end as trending_score_leader_share,
        case
            when not catalogue_releases.is_measured
                then coalesce(sample_leaders.trending_score_leader = 'Text', false)
        end as text_leads_trending_score,
        latest_snapshot.is_full_catalogue as latest_snapshot_is_full_catalogue,
    from catalogue_releases
    cross join catalogue_leaders
    cross join sample_leaders
    cross join latest_snapshot

),

-- Only the full catalogue decides: a trending list is not the Hub's releases, so neither
-- leading it nor trailing in it says what dominates them.
text_dominance_judged as (

    select
        *,
        case
            when decided_on != 'full catalogue' then 'undecidable'
            when text_leads_models and text_leads_downloads and text_leads_likes
                then 'supported'
            else 'refuted'
        end as verdict,
        case
            when decided_on = 'trending sample' then 'trending sample'
            when decided_on = 'nothing' and latest_snapshot_is_full_catalogue
                then 'catalogue marts missing'
            when decided_on = 'nothing' then 'category marts missing'
        end as undecidable_reason,
    from text_dominance

),

-- Engagement levels are not research output and a causal "reflects" cannot be read off
-- metadata: no data decides this claim, whatever the warehouse holds.
llm_growth as (

    select
        'llm_growth' as claim_id,
        2 as claim_order,
        'High engagement metrics reflect rapid growth in LLM research.' as claim,
        'nothing' as decided_on,
        'undecidable' as verdict,
        case
            when sample_leaders.is_measured then 'causal claim'
            else 'category marts missing'
        end as undecidable_reason,
    from sample_leaders

),

release_growth as (

    select
        'release_growth' as claim_id,
        3 as claim_order,
        'Recent years show a sharp increase in AI model releases.' as claim,
        thresholds.sharp_increase_ratio,
        case
            when catalogue_releases.is_measured then 'full catalogue'
            when latest_snapshot.is_full_catalogue then 'nothing'
            when sample_releases.is_measured then 'trending sample'
            else 'nothing'
        end as decided_on,
        case
            when catalogue_releases.is_measured then catalogue_releases.recent_model_count
            else sample_releases.recent_model_count
        end as recent_model_count,
        case
            when catalogue_releases.is_measured then catalogue_releases.earlier_model_count
            else sample_releases.earlier_model_count
        end as earlier_model_count,
        case
            when catalogue_releases.is_measured then catalogue_releases.release_ratio
            else sample_releases.release_ratio
        end as release_ratio,
        -- The catalogue's windows are the 12 months before the capture's own: no years to name.
        case when not catalogue_releases.is_measured then sample_releases.recent_year end
            as recent_year,
        case when not catalogue_releases.is_measured then sample_releases.earlier_year end
            as earlier_year,
        case
            when not catalogue_releases.is_measured then sample_releases.recent_share_of_models
        end as recent_share_of_models,
        case
            when not catalogue_releases.is_measured then sample_releases.earlier_share_of_models
        end as earlier_share_of_models,
        latest_snapshot.is_full_catalogue as latest_snapshot_is_full_catalogue,
    from catalogue_releases
    cross join sample_releases
    cross join latest_snapshot
    cross join thresholds

),

-- A trending list keeps mostly new models, so its skew to recent years is the sampling, not
-- the Hub's release history: only the full catalogue's whole 12-month windows decide.
release_growth_judged as (

    select
        *,
        case
            when decided_on != 'full catalogue' or release_ratio is null then 'undecidable'
            when release_ratio >= sharp_increase_ratio then 'supported'
            else 'refuted'
        end as verdict,
        case
            when decided_on = 'trending sample' then 'trending sample'
            when decided_on = 'nothing' and latest_snapshot_is_full_catalogue
                then 'catalogue marts missing'
            when decided_on = 'nothing' then 'fewer than two years'
            when release_ratio is null then 'no earlier releases'
        end as undecidable_reason,
    from release_growth

),

claims as (

    select * exclude (latest_snapshot_is_full_catalogue) from text_dominance_judged

    union all by name

    select * from llm_growth

    union all by name

    select * exclude (latest_snapshot_is_full_catalogue) from release_growth_judged

),

final as (

    select
        claim_id,
        claim_order,
        claim,
        verdict,
        decided_on,
        undecidable_reason,
        text_share_of_models,
        text_share_of_downloads,
        text_share_of_likes,
        text_share_of_trending_score,
        models_leader,
        models_leader_share,
        text_leads_models,
        downloads_leader,
        downloads_leader_share,
        text_leads_downloads,
        likes_leader,
        likes_leader_share,
        text_leads_likes,
        trending_score_leader,
        trending_score_leader_share,
        text_leads_trending_score,
        recent_year,
        recent_model_count,
        recent_share_of_models,
        earlier_year,
        earlier_model_count,
        earlier_share_of_models,
        release_ratio,
        sharp_increase_ratio,
    from claims

)

select * from final
