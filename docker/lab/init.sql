-- The lab's mail database: a transport table Postfix reads through pgsql:/etc/postfix/lab/pgsql-transport.cf.
CREATE DATABASE mail;
\connect mail
CREATE TABLE transport (domain text PRIMARY KEY, nexthop text NOT NULL);
INSERT INTO transport VALUES ('pg.example', 'smtp:[127.0.0.2]:2526');
