/**
 * Making the written card this board's: the hostname in the ext4 root (/etc/hostname, the 127.0.1.1 line of
 * /etc/hosts), the matching first-boot file on the FAT boot partition (custom.toml, cloud-init user-data, or
 * firstrun.sh hooked into cmdline.txt) and deployment.json. Partitions are found in the held-back MBR and reached
 * by byte offset (mount -o loop,offset or debugfs / mtools), since the partition table is not on the card yet.
 */
package io.rpideploy.installer.customize;
