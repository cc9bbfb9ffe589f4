using System.Collections.Concurrent;
using System.Text;

namespace OnnxVideo.Text;

/// <summary>
/// A byte-level BPE tokenizer for captions: ids 0, 1 and 2 are PAD, BOS and EOS, ids 3..258 the 256 byte values,
/// and each learnt merge of two ids adds the next id. Any text encodes (there is no unknown token) and decodes back to
/// the same text. Trained on a caption corpus with <see cref="Train"/>, stored as <c>tokenizer.json</c> beside the
/// model (<see cref="Save"/>, <see cref="Load"/>). Immutable and safe to share between threads.
/// </summary>
public sealed class BpeTokenizer
{
    public const int Pad = 0;
    public const int Bos = 1;
    public const int Eos = 2;

    /// <summary>The id of byte value 0; byte b has id <c>FirstByte + b</c>.</summary>
    internal const int FirstByte = 3;

    /// <summary>The id of the first merge: specials and bytes, no merges.</summary>
    internal const int FirstMerge = FirstByte + 256;

    /// <summary>The largest vocabulary <see cref="Train"/> builds and <see cref="Load"/> accepts.</summary>
    public const int MaxVocabularySize = 32768;

    // Captions repeat few words; arbitrary text must not grow the cache without bound.
    private const int MaxCachedChunks = 100_000;

    private readonly (int Left, int Right)[] _merges;
    private readonly Dictionary<(int, int), int> _rankOf;
    private readonly byte[][] _bytesOf;
    private readonly ConcurrentDictionary<string, int[]> _chunkCache = new(StringComparer.Ordinal);

    internal BpeTokenizer(IReadOnlyList<(int Left, int Right)> merges)
    {
        _merges = [.. merges];
        _rankOf = new Dictionary<(int, int), int>(_merges.Length);
        _bytesOf = new byte[FirstMerge + _merges.Length][];
        _bytesOf[Pad] = _bytesOf[Bos] = _bytesOf[Eos] = [];
        for (var b = 0; b < 256; b++)
        {
            _bytesOf[FirstByte + b] = [(byte)b];
        }
        for (var i = 0; i < _merges.Length; i++)
        {
            var (left, right) = _merges[i];
            if (left < FirstByte || right < FirstByte || left >= FirstMerge + i || right >= FirstMerge + i
                || !_rankOf.TryAdd((left, right), i))
            {
                throw new ArgumentException($"merge {i} ({left}, {right}) does not join two earlier ids, or repeats one", nameof(merges));
            }
            _bytesOf[FirstMerge + i] = [.. _bytesOf[left], .. _bytesOf[right]];
        }
    }

    /// <summary>PAD, BOS, EOS, the 256 bytes and the merges.</summary>
    public int VocabularySize => FirstMerge + _merges.Length;

    /// <summary>The learnt merges in order (merge i makes id <c>259 + i</c>).</summary>
    internal IReadOnlyList<(int Left, int Right)> Merges => _merges;

    /// <summary>
    /// Learns merges from <paramref name="corpus"/> (each caption normalised by lower-casing and collapsing white space)
    /// until the vocabulary has <paramref name="vocabularySize"/> ids or no pair of symbols occurs twice, whichever comes
    /// first; <see cref="VocabularySize"/> says which. Deterministic: the same captions in any order give the same merges.
    /// </summary>
    public static BpeTokenizer Train(IEnumerable<string> corpus, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (vocabularySize is < FirstMerge or > MaxVocabularySize)
        {
            throw new InvalidInputException("vocabulary size",
                $"{vocabularySize} is outside {FirstMerge}..{MaxVocabularySize} (3 specials and 256 bytes come first)");
        }
        return new BpeTokenizer(BpeTrainer.Train(corpus, vocabularySize));
    }

    /// <summary>Reads a tokenizer.json; a file that is not one is a user error naming it.</summary>
    public static BpeTokenizer Load(string path) => TokenizerFile.Read(path);

    /// <summary>Writes tokenizer.json (through a temporary file, so an existing file is never left half-written).</summary>
    public void Save(string path) => TokenizerFile.Write(path, this);

    /// <summary>The ids of <paramref name="text"/> exactly as given (no normalisation, no BOS or EOS).</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        foreach (var chunk in ByteChunks.Of(text))
        {
            var key = Convert.ToHexString(chunk);
            if (!_chunkCache.TryGetValue(key, out var encoded))
            {
                encoded = EncodeChunk(chunk);
                if (_chunkCache.Count < MaxCachedChunks)
                {
                    _chunkCache.TryAdd(key, encoded);
                }
            }
            ids.AddRange(encoded);
        }
        return [.. ids];
    }

    /// <summary>The text of <paramref name="ids"/> up to the first EOS, PAD and BOS skipped; byte sequences that are not
    /// UTF-8 (a model may generate them) decode as U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == Eos)
            {
                break;
            }
            if ((uint)id >= (uint)_bytesOf.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary 0..{_bytesOf.Length - 1}");
            }
            bytes.AddRange(_bytesOf[id]);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Applies merges by rank: repeatedly the adjacent pair learnt first, as training applied them.</summary>
    private int[] EncodeChunk(byte[] chunk)
    {
        var symbols = chunk.Select(b => FirstByte + b).ToArray();
        while (symbols.Length > 1)
        {
            var best = -1;
            for (var i = 0; i + 1 < symbols.Length; i++)
            {
                if (_rankOf.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && (best < 0 || rank < best))
                {
                    best = rank;
                }
            }
            if (best < 0)
            {
                break;
            }
            symbols = Merge(symbols, _merges[best], FirstMerge + best);
        }
        return symbols;
    }

    /// <summary>Every non-overlapping occurrence of <paramref name="pair"/>, left to right, replaced by <paramref name="merged"/>.</summary>
    internal static int[] Merge(int[] symbols, (int Left, int Right) pair, int merged)
    {
        var result = new List<int>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right)
            {
                result.Add(merged);
                i++;
            }
            else
            {
                result.Add(symbols[i]);
            }
        }
        return [.. result];
    }
}
