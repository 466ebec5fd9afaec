package dev.herald.disk;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only: H2 scales MVStore's default cache by the heap, falling back (for an unbounded heap, which a
 * native image never has) to the physical memory through {@code com.sun.management}, whose reachable container
 * metrics a native-image without the JDK's container support cannot link. Same result, without that fallback.
 */
@TargetClass(className = "org.h2.util.Utils")
final class Target_org_h2_util_Utils {

    @Substitute
    public static int scaleForAvailableMemory(int value) {
        long max = Runtime.getRuntime().maxMemory();
        return max == Long.MAX_VALUE ? value : (int) (value * max / (1024L * 1024 * 1024));
    }
}
