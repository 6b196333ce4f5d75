package io.tributary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies flow one way: api → ingest → mapping → canonical, api → delivery → subscription;
 * store and system below them all. The webhook route, not Java, joins ingest to delivery.
 */
@AnalyzeClasses(packages = "io.tributary", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule canonicalDependsOnNoFeature = noClasses().that().resideInAPackage("io.tributary.canonical..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.ingest..", "io.tributary.mapping..", "io.tributary.api..", "io.tributary.store..");

    @ArchTest
    static final ArchRule mappingDoesNotReachBack = noClasses().that().resideInAPackage("io.tributary.mapping..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.ingest..", "io.tributary.api..", "io.tributary.store..");

    @ArchTest
    static final ArchRule storeIsBelowTheFeatures = noClasses().that().resideInAPackage("io.tributary.store..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.ingest..", "io.tributary.mapping..", "io.tributary.api..");

    @ArchTest
    static final ArchRule ingestKnowsNothingOfDelivery = noClasses().that().resideInAPackage("io.tributary.ingest..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.delivery..", "io.tributary.subscription..");

    @ArchTest
    static final ArchRule subscriptionIsBelowDelivery = noClasses().that().resideInAPackage("io.tributary.subscription..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.delivery..", "io.tributary.ingest..",
                    "io.tributary.mapping..", "io.tributary.api..");

    @ArchTest
    static final ArchRule deliveryDoesNotReachBack = noClasses().that().resideInAPackage("io.tributary.delivery..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.ingest..", "io.tributary.mapping..", "io.tributary.api..");

    @ArchTest
    static final ArchRule onlyTheApiUsesTheApi = noClasses().that().resideOutsideOfPackage("io.tributary.api..")
            .should().dependOnClassesThat().resideInAPackage("io.tributary.api..");

    @ArchTest
    static final ArchRule systemIsInfrastructure = noClasses().that().resideInAPackage("io.tributary.system..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tributary.ingest..", "io.tributary.mapping..", "io.tributary.api..",
                    "io.tributary.store..", "io.tributary.canonical..", "io.tributary.subscription..", "io.tributary.delivery..");
}
