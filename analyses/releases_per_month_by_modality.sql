-- Question: how many models were released each month, by modality?
-- Release month is the repository's creation month (UTC). Models with the Hub's March-2022
-- import placeholder date are left out; placeholder_date_models.sql lists them.
select
    release_month,
    modality,
    model_count,
    round(share_of_month * 100, 1) as pct_of_month,
    sample_description,
from marts.release_trends
order by release_month desc, model_count desc
limit 60
