module ocilab.local/demo-app

go 1.22
