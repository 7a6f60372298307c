gc ../shared/corpus/does-not-exist.log
