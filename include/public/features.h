/* SPDX-License-Identifier: MIT */
/*
 * features.h - XENFEAT_* feature bits.
 *
 * Features are numbered bits reported by XENVER_get_features (version.h)
 * in 32-bit submaps: feature n is bit (n % 32) of submap n / 32. A kernel
 * also lists the features it needs or supports in its ELF notes
 * (XEN_ELFNOTE_FEATURES as a string like "writable_page_tables|!pae_pgdir_above_4gb",
 * XEN_ELFNOTE_SUPPORTED_FEATURES as a bitmap); the domain builder refuses
 * a kernel that requires a feature the hypervisor lacks.
 * Example: fi.submap_idx = 0; HYPERVISOR_xen_version(XENVER_get_features, &fi);
 *          if (fi.submap & (1U << XENFEAT_mmu_pt_update_preserve_ad)) ...
 */
#ifndef MICA_PUBLIC_FEATURES_H
#define MICA_PUBLIC_FEATURES_H

/* Guest page tables may be written directly (see VMASST_TYPE_writable_pagetables). */
#define XENFEAT_writable_page_tables       0
/* Guest GDT/LDT pages may be written directly. */
#define XENFEAT_writable_descriptor_tables 1
/* Guest sees pseudo-physical frames; the hypervisor translates (HVM/PVH). */
#define XENFEAT_auto_translated_physmap    2
/* Guest kernel runs in ring 0. */
#define XENFEAT_supervisor_mode_kernel     3
/* 32-bit PAE guests: page directories may be above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb        4
/* MMU_PT_UPDATE_PRESERVE_AD is available. */
#define XENFEAT_mmu_pt_update_preserve_ad  5
/* MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE are available. */
#define XENFEAT_highmem_assist             6
/* GNTMAP_guest_avail bits may be used in grant mappings. */
#define XENFEAT_gnttab_map_avail_bits      7
/* HVM: event delivery through an interrupt vector. */
#define XENFEAT_hvm_callback_vector        8
/* HVM: pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock           9
/* HVM: physical IRQs may be routed to event channels. */
#define XENFEAT_hvm_pirqs                 10
/* The domain may run as the control domain. */
#define XENFEAT_dom0                      11
/* 12 was XENFEAT_grant_map_identity (ARM), retired; the number stays unused. */
/* XENMEMF_vnode is accepted by memory ops. */
#define XENFEAT_memory_op_vnode_supported 13
/* ARM: SMC calling convention supported. */
#define XENFEAT_ARM_SMCCC_supported       14
/* Linux may place the ACPI RSDP anywhere (PVH dom0). */
#define XENFEAT_linux_rsdp_unrestricted   15
/* The domain's memory is not mapped 1:1 (ARM). */
#define XENFEAT_not_direct_mapped         16
/* The domain's memory is mapped 1:1 (ARM). */
#define XENFEAT_direct_mapped             17

/* Number of 32-bit submaps currently defined. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* MICA_PUBLIC_FEATURES_H */
