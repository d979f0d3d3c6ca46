from airflow.dag_processing.dagbag import DagBag


def test_run():
    dag = DagBag(dag_folder="dags").dags["pipe"]
    assert dag.test().state == "success"
