"""A small Kafka consumer, the shape of the event-consumer golden path's."""

from confluent_kafka import Consumer, Producer
from prometheus_client import Counter, Gauge

CONSUMED = Counter("consumer_messages_consumed", "Messages received.")
LAG = Gauge("consumer_lag", "Messages behind.", ["topic", "partition"])


def consumer(servers: str) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": servers,
            "group.id": "orders",
            "enable.auto.commit": False,
        }
    )


def loop(consumer: Consumer, producer: Producer, handle) -> None:
    while True:
        message = consumer.poll(1.0)
        if message is None:
            continue
        try:
            handle(message)
        except ValueError:
            producer.produce("orders.v1.dlq", value=message.value())
            producer.flush(10)
        consumer.commit(message=message, asynchronous=False)
