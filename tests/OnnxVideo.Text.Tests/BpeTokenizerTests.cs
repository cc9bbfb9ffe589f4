using System.Text;

namespace OnnxVideo.Text.Tests;

public sealed class BpeTokenizerTests
{
    private static readonly string[] Corpus =
    [
        "a red square moves left then a blue circle grows",
        "A  Red square moves LEFT, then a blue circle grows",
        "a green triangle shrinks then a red circle moves up",
        "a blue square moves right then a green triangle rotates",
    ];

    private const int ByteA = BpeTokenizer.FirstByte + 'a';

    [Theory]
    [InlineData("a red square moves left then a blue circle grows")]
    [InlineData("Upper Case, punctuation; and   runs of  spaces\tand\ttabs\n")]
    [InlineData("ünïcödé — ein grünes Quadrat bewegt sich nach links")]
    [InlineData("日本語のキャプション：赤い四角が左へ動く")]
    [InlineData("emoji 🟥⬅️ then 🔵📈 and a lone surrogate pair 𝄞")]
    [InlineData("")]
    [InlineData(" leading and trailing ")]
    public void AnyTextRoundTrips(string text)
    {
        var tokenizer = BpeTokenizer.Train(Corpus, 400);
        var ids = tokenizer.Encode(text);

        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.All(ids, id => Assert.InRange(id, BpeTokenizer.FirstByte, tokenizer.VocabularySize - 1));
    }

    [Fact]
    public void RandomUtf8RoundTripsAndTrainedWordsBecomeFewTokens()
    {
        var tokenizer = BpeTokenizer.Train(Corpus, 400);
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var text = new StringBuilder();
            for (var j = random.Next(0, 40); j > 0; j--)
            {
                // Code points from every UTF-8 length, surrogates excluded (a lone surrogate is not text).
                var code = random.Next(4) switch { 0 => random.Next(0x20, 0x80), 1 => random.Next(0x80, 0x800), 2 => random.Next(0xE000, 0x10000), _ => random.Next(0x10000, 0x110000) };
                text.Append(char.ConvertFromUtf32(code));
            }
            Assert.Equal(text.ToString(), tokenizer.Decode(tokenizer.Encode(text.ToString())));
        }
        // Every word of the corpus is one token once training has run to convergence.
        Assert.Equal(10, tokenizer.Encode("a red square moves left then a blue circle grows").Length);
    }

    [Fact]
    public void MergesAreTheMostFrequentPairsWithTiesToTheSmallerIds()
    {
        // Chunks "xy", " xy", "yx", " yx": (x,y) and (y,x) both occur twice; (x,y) has the smaller ids and goes first.
        var forward = BpeTokenizer.Train(["xy xy", "yx yx"], 300);
        var backward = BpeTokenizer.Train(["yx yx", "xy xy"], 300);
        int x = BpeTokenizer.FirstByte + 'x', y = BpeTokenizer.FirstByte + 'y';

        Assert.Equal([(x, y), (y, x)], forward.Merges);
        Assert.Equal(forward.Merges, backward.Merges);
        // No pair occurs twice after the two merges: training stops below the requested size.
        Assert.Equal(BpeTokenizer.FirstMerge + 2, forward.VocabularySize);
        Assert.Equal([BpeTokenizer.FirstMerge, BpeTokenizer.FirstByte + ' ', BpeTokenizer.FirstMerge + 1], forward.Encode("xy yx"));
    }

    [Fact]
    public void TrainingNormalisesTheCorpusAndStopsAtTheRequestedSize()
    {
        var tokenizer = BpeTokenizer.Train(["ABAB", "ab  ab"], 260);

        Assert.Equal(260, tokenizer.VocabularySize);
        Assert.Equal([(ByteA, ByteA + 1)], tokenizer.Merges);
        Assert.Equal([BpeTokenizer.FirstMerge, BpeTokenizer.FirstMerge], tokenizer.Encode("abab"));
        // Encode does not normalise: capitals are other bytes.
        Assert.Equal([BpeTokenizer.FirstByte + 'A', BpeTokenizer.FirstByte + 'B'], tokenizer.Encode("AB"));
    }

    [Fact]
    public void DecodeStopsAtEosAndSkipsPadAndBos()
    {
        var tokenizer = BpeTokenizer.Train(Corpus, 300);
        int[] ids = [BpeTokenizer.Bos, .. tokenizer.Encode("a red"), BpeTokenizer.Pad, BpeTokenizer.Eos, .. tokenizer.Encode(" tail")];

        Assert.Equal("a red", tokenizer.Decode(ids));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([tokenizer.VocabularySize]));
        Assert.Equal("\uFFFD", tokenizer.Decode([BpeTokenizer.FirstByte + 0xFF]));
    }

    [Theory]
    [InlineData(258)]
    [InlineData(0)]
    [InlineData(BpeTokenizer.MaxVocabularySize + 1)]
    public void VocabularySizesOutsideTheLimitsAreRefused(int size)
    {
        var error = Assert.ThrowsAny<UserInputException>(() => BpeTokenizer.Train(Corpus, size));
        Assert.Contains("vocabulary size", error.Message);
        Assert.Contains(size.ToString(), error.Message);
    }

    [Fact]
    public void TheSmallestVocabularyIsBytesOnly()
    {
        var tokenizer = BpeTokenizer.Train(Corpus, 259);

        Assert.Equal(259, tokenizer.VocabularySize);
        Assert.Equal(Encoding.UTF8.GetBytes("é a").Select(b => BpeTokenizer.FirstByte + b), tokenizer.Encode("é a"));
    }
}
