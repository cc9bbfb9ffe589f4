using OnnxVideo.Text;

namespace OnnxVideo.Models.Compilation;

/// <summary>Refuses a tokenizer file that is not one or whose vocabulary is not the captioner's.</summary>
internal static class CaptionTokenizerCheck
{
    public static void Require(string tokenizerPath, int vocabularySize)
    {
        if (!File.Exists(tokenizerPath))
        {
            throw new UserFileException(tokenizerPath, "tokenizer file not found");
        }
        var tokenizer = BpeTokenizer.Load(tokenizerPath);
        if (tokenizer.VocabularySize != vocabularySize)
        {
            throw new InvalidInputException(tokenizerPath,
                $"the tokenizer has {tokenizer.VocabularySize} tokens but the model's vocabulary is {vocabularySize}; create the model with --vocab {tokenizer.VocabularySize} (or --tokenizer)");
        }
    }
}
