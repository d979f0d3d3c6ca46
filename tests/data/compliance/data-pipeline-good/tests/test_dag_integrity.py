from airflow.dag_processing.dagbag import DagBag


def test_imports():
    bag = DagBag(dag_folder="dags")
    assert bag.import_errors == {}
