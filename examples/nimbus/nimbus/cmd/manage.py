"""Database maintenance: touches no concurrency runtime."""
import argparse


def main():
    parser = argparse.ArgumentParser(prog='nimbus-manage')
    parser.add_argument('command', choices=['db-sync', 'status'])
    args = parser.parse_args()
    print('running %s' % args.command)
