package dev.livepad.ot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generators for random documents and operations that mix ASCII, BMP and surrogate-pair characters. */
public final class RandomOps {
    /** Whole code points to build text from; the last two are surrogate pairs. */
    private static final String[] ATOMS = {"a", "b", "c", " ", "\n", "é", "中", "\uD83D\uDE00", "\uD834\uDD1E"};

    private RandomOps() {
    }

    /** One unnormalized step of an operation; exactly one of count/text is meaningful. */
    record Piece(char kind, int count, String text) {
        static Piece retain(int n) {
            return new Piece('r', n, null);
        }

        static Piece insert(String s) {
            return new Piece('i', 0, s);
        }

        static Piece delete(int n) {
            return new Piece('d', n, null);
        }

        void addTo(TextOperation.Builder builder) {
            switch (kind) {
                case 'r' -> builder.retain(count);
                case 'd' -> builder.delete(count);
                default -> builder.insert(text);
            }
        }
    }

    public static String text(Random random, int maxCodePoints) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(maxCodePoints + 1);
        for (int i = 0; i < n; i++) {
            out.append(ATOMS[random.nextInt(ATOMS.length)]);
        }
        return out.toString();
    }

    /** A random operation on {@code doc} whose cuts all fall between code points. */
    public static TextOperation op(Random random, String doc) {
        return build(pieces(random, doc));
    }

    static TextOperation build(List<Piece> pieces) {
        TextOperation.Builder builder = TextOperation.builder();
        pieces.forEach(piece -> piece.addTo(builder));
        return builder.build();
    }

    /** Raw pieces covering {@code doc}, including zero-length ones and delete-before-insert orders. */
    static List<Piece> pieces(Random random, String doc) {
        List<Piece> pieces = new ArrayList<>();
        int pos = 0;
        while (pos < doc.length() || random.nextInt(3) == 0) {
            int choice = random.nextInt(10);
            if (choice < 3) {
                pieces.add(Piece.insert(text(random, 3)));
                if (pos == doc.length()) {
                    break;
                }
            } else {
                int span = spanOfCodePoints(doc, pos, random.nextInt(5));
                pieces.add(choice < 7 ? Piece.retain(span) : Piece.delete(span));
                pos += span;
            }
        }
        return pieces;
    }

    /**
     * The same effect as {@code pieces}: between retains, deletes are moved randomly relative to inserts (inserts keep
     * their order), then every piece is cut into two random parts.
     */
    static List<Piece> reshuffled(Random random, List<Piece> pieces) {
        List<Piece> out = new ArrayList<>();
        List<Piece> inserts = new ArrayList<>();
        List<Piece> deletes = new ArrayList<>();
        for (Piece piece : pieces) {
            if (piece.kind() == 'r') {
                interleave(random, inserts, deletes, out);
                split(random, piece, out);
            } else {
                (piece.kind() == 'i' ? inserts : deletes).add(piece);
            }
        }
        interleave(random, inserts, deletes, out);
        return out;
    }

    private static void interleave(Random random, List<Piece> inserts, List<Piece> deletes, List<Piece> out) {
        int i = 0;
        int d = 0;
        while (i < inserts.size() || d < deletes.size()) {
            boolean takeInsert = d == deletes.size() || (i < inserts.size() && random.nextBoolean());
            split(random, takeInsert ? inserts.get(i++) : deletes.get(d++), out);
        }
        inserts.clear();
        deletes.clear();
    }

    private static void split(Random random, Piece piece, List<Piece> out) {
        int length = piece.kind() == 'i' ? piece.text().length() : piece.count();
        int cut = random.nextInt(length + 1);
        if (piece.kind() == 'i') {
            // Builders merge inserts before checking surrogates, so even a cut inside a pair is fine here.
            out.add(Piece.insert(piece.text().substring(0, cut)));
            out.add(Piece.insert(piece.text().substring(cut)));
        } else {
            out.add(new Piece(piece.kind(), cut, null));
            out.add(new Piece(piece.kind(), length - cut, null));
        }
    }

    private static int spanOfCodePoints(String doc, int from, int codePoints) {
        int available = doc.codePointCount(from, doc.length());
        return doc.offsetByCodePoints(from, Math.min(codePoints, available)) - from;
    }
}
